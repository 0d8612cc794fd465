"""What the supervision office hands out as PDF: the 督办单 of one item and the monthly 督查通报."""
