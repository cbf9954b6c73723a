"""HTTP and WebSocket edge: routes, wire schemas, auth, errors, OpenAPI, Kite compatibility."""
