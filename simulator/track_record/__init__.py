"""An account's track record: its past posts (history), its offsets over the platform model
(calibration, platform), the leave-one-out backtest and the live update from a post's first counts."""
