"""Real-browser tests: the web app served by uvicorn, driven in headless Chromium."""
