"""Record linkage: which source records are the same person (Splink on DuckDB).

normalise  the normal forms of names, dates, postcodes, phones, addresses
frame      the table Splink reads; settings  comparisons and blocking
model      EM training, versioned model files; predict  scoring
cluster    pairs -> persons under human rulings; batch  `vigil link`
incremental  new records on arrival; decisions  reviewers' rulings and reverts
pipeline   scored pairs -> persons, deterministically; blocking  capped keys
placeholders  "Unknown", "01/01/1900" and the like; pending  linkage waiting a retry
calibration  when the model is retrained; review  the order of the review queue
"""
