"""A protocol-faithful stand-in for CJ Dropshipping API 2.0 (see README.md in this package)."""
