"""Channel adapters: each turns provider requests into `InboundEvent`s and renders replies."""
