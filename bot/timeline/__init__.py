"""The timeline as a picture: developments on a time axis by kind, with daily coverage."""
