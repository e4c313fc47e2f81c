"""Purchase orders: drafts from reorder lines, pricing, sending, submission, receiving."""
