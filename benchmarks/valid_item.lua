-- wrk script: POST /api/items with a valid item, so every request writes a row and gets 201.
-- Used by benchmarks/run.py.
wrk.method = "POST"
wrk.body = '{"name": "benchmark item", "price": 9.5}'
wrk.headers["Content-Type"] = "application/json"
