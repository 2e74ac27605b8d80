"""What operators run: the run loop, status and reconciliation, backfills, doctor, erasure and retention, bench.

Each module takes `Settings` and the typed `PlatformResources` it needs; the CLI only parses arguments and calls
these. Nothing here holds pipeline logic: that stays in the assets (defs/) and the pure cores.
"""
