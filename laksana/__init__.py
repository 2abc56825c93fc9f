"""Laksana: complaint handling and command-center platform for Indonesian local governments."""

__version__ = "0.1.0"
