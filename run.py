#!/usr/bin/env python3
"""Murmur command line: `python run.py scenarios/baseline.yaml` (see `python run.py --help`)."""

import sys

from simulator.cli import main

if __name__ == "__main__":
    sys.exit(main())
