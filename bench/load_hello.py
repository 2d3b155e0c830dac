# Minimal ASGI hello-world for the load benchmark (uvicorn, one worker).
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

app = FastAPI()


@app.get("/", response_class=PlainTextResponse)
async def hello():
    return "hello, world"
