#!/usr/bin/env python3
"""Murmur command line: `python run.py scenarios/baseline.yaml` (see `python run.py --help`)."""

import os
import sys

from simulator.cli import INTERRUPTED, main

if __name__ == "__main__":
    code = main()
    if code == INTERRUPTED:
        # Stopped by Ctrl-C, with everything finished written and the message printed: leave
        # at once. After its workers were killed, a process pool's manager thread can stay
        # blocked reading from them, and the interpreter's exit would wait for it (Python
        # 3.14's ProcessPoolExecutor.terminate_workers ends that; until then, this).
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
