"""Training and evaluating the categoriser's heads on real, labelled reviews (see `labels/GUIDE.md`)."""
