"""The pure core: plan options, pricing, the course rules a provider's adjustments must keep,
and the slot finder. Plain Python on frozen dataclasses; nothing here imports Django."""
