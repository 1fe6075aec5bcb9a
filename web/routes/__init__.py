"""The app's routes, one module per area: sign-in, queue, items, submissions, intake desk, accounts."""
