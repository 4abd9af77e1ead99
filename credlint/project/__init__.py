"""What one module of a project cannot see alone: the project's other modules, indexed cheaply."""
