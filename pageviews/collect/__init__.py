"""The request path: from one collect request to a hit handed to the writer, and the snippet that sends it."""
