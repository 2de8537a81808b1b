"""The ActivityPub protocol: vocabulary, HTTP signatures, safe fetching. Imports nothing of ours."""
