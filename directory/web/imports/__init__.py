"""Import pages (upload, preview, confirm, progress, report) and bulk exports."""
