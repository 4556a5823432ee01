"""Casts simulated votes through the arena's public API, for the documentation screenshots.

Each battle is a real recorded battle started through the API. The simulated voter is told the
hidden pair by reading the arena's database (operator access; a real voter never sees it) and
votes by a Bradley-Terry draw whose strengths are LMArena's published ratings of these models
(latest overall rating in data/history/history.csv; baichuan-13b-chat, absent there, gets 1050),
with 15% ties. Usage: python3 simulate_votes.py BASE_URL DB_PATH N
"""
import json, random, sqlite3, sys, urllib.request

RATINGS = {
    "gpt-4o-2024-05-13": 1301.1, "gpt-4-turbo-2024-04-09": 1272.5, "gpt4_1106_preview": 1264.1,
    "gpt-4o-mini-2024-07-18": 1287.2, "gpt-3.5-turbo-1106": 1095.1, "claude-3-5-sonnet-20240620": 1281.6,
    "claude-3-opus-20240229": 1262.7, "gemini-pro": 1132.3, "Meta-Llama-3.1-405B-Instruct-Turbo": 1284.0,
    "Meta-Llama-3.1-70B-Instruct-Turbo": 1262.0, "Meta-Llama-3.1-8B-Instruct-Turbo": 1188.1, "dbrx-instruct": 1101.9,
    "Qwen2-72B-Instruct": 1203.8, "Qwen1.5-110B-Chat": 1175.7, "Qwen1.5-72B-Chat": 1167.6,
    "deepseek-llm-67b-chat": 1105.6, "Yi-34B-Chat": 1129.6, "yi-large-preview": 1258.0,
    "internlm2-chat-20b-ppo": 1160.6, "baichuan-13b-chat": 1050.0, "chatglm2-6b": 941.0,
    "Mixtral-8x22B-Instruct-v0.1": 1162.9, "mistral-large-2402": 1177.0, "Mixtral-8x7B-Instruct-v0.1": 1132.9,
}

def call(url, body=None, cookie=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method="GET" if body is None else "POST")
    req.add_header("content-type", "application/json")
    if cookie:
        req.add_header("cookie", "versus_voter=" + cookie)
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())

base, db_path, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
db = sqlite3.connect(db_path)
rng = random.Random(42)
for k in range(n):
    cookie = "%032x" % (k % 50 + 1)
    b = call(base + "/api/battles", {}, cookie)
    while not call(base + "/api/battles/" + b["id"], None, cookie)["complete"]:
        pass
    a, bb = db.execute("SELECT model_a, model_b FROM battles WHERE id = ?", (b["id"],)).fetchone()
    p_a = 1 / (1 + 10 ** ((RATINGS[bb] - RATINGS[a]) / 400))
    u = rng.random()
    winner = "tie" if u < 0.15 else ("model_a" if rng.random() < p_a else "model_b")
    call(base + "/api/battles/" + b["id"] + "/vote", {"winner": winner, "vote_token": b["vote_token"]}, cookie)
print("cast", n, "votes")
