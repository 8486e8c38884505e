"""One module per output format; each turns the neutral document model into bytes."""
