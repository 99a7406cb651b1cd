"""Intervention plug-ins (official debunking and more).

The plug-in interface is not built yet: scenarios must give an empty ``interventions`` list,
and any entry is rejected with a clear error by ``simulator.runner.build_world``.
"""
