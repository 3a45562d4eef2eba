"""The reference knowledge graph of Flemish economic-policy funding."""

__version__ = "0.1.0"
