"""Trading core: order books, matching, stops, risk and the sequencer state machine.

Pure and deterministic: imports only ``bourse.domain``; never reads the clock.
"""
