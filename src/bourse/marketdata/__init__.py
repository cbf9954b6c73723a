"""Market data: quotes, depth, candles, indices, search and the WebSocket fan-out."""
