"""What several rule families share: the SDK call model, literal folding, bindings, credential slots."""
