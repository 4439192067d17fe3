"""Pages of the duty app inside the unfold shell: rosters (rosters.py) and flood control,
drills and tracing (emergency.py)."""
