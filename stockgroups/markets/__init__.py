"""Market reactions: returns, event studies and the calibration of signals (pure functions)."""
