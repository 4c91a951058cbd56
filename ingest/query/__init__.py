"""What reads a finished database: search, statistics, export, and Datasette."""
