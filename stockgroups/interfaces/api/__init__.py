"""The HTTP API: a FastAPI app factory, JSON routes under /api/, and the guards."""
