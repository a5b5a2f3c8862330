-- wrk script: POST /api/items with a body that fails validation (an empty name, a negative
-- price), so every request takes the 422 path. Used by benchmarks/run.py.
wrk.method = "POST"
wrk.body = '{"name": "", "price": -1}'
wrk.headers["Content-Type"] = "application/json"
