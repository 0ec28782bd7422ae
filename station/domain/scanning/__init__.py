"""What one scan is and what it means: the scan, the code kinds, and the classifier."""
