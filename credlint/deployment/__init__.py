"""Deployment configuration: the files that start the code and the environment they give it."""
