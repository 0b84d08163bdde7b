// Hugging Face import: filled in by the import work.
