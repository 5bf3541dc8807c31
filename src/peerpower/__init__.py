"""Peer Power: software for running peer-to-peer leadership groups."""
