"""The Discord layer: a thin discord.py bot over `retrieval.engine.Engine`."""
