"""leadflow: lead qualification for B2B marketing and sales teams."""

__version__ = "0.1.0"
