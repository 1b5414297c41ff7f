// A local OpenAI-compatible chat server over llama.cpp (node-llama-cpp's prebuilt CPU
// binaries), for measuring the LLM answerer offline: POST /v1/chat/completions (plain
// and stream: true), GET /v1/models. One request at a time, as a 2-core machine can
// only serve one. Started by scripts/llm_server.sh, which fetches the model.
//
//   node scripts/llm_server.mjs MODEL.gguf [--port 8080] [--ctx 8192] [--threads 1] [--name local]
import http from "node:http";
import {getLlama, LlamaChatSession} from "node-llama-cpp";

const args = process.argv.slice(2);
const modelPath = args[0];
const opt = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i > 0 ? args[i + 1] : fallback;
};
const port = Number(opt("port", "8080"));
const contextSize = Number(opt("ctx", "8192"));
const threads = Number(opt("threads", "1"));
const name = opt("name", "local");
if (!modelPath) {
    console.error("usage: node scripts/llm_server.mjs MODEL.gguf [--port N] [--ctx N] [--threads N] [--name NAME]");
    process.exit(2);
}

const llama = await getLlama({gpu: false, build: "never"});
const model = await llama.loadModel({modelPath});
const context = await model.createContext({contextSize, threads});
const sequence = context.getSequence();
console.log(`serving ${modelPath} as '${name}' on http://127.0.0.1:${port}/v1 (context ${contextSize}, ` +
    `${threads} thread(s), llama.cpp ${llama.llamaCppRelease?.release ?? "?"})`);

// OpenAI messages -> node-llama-cpp chat history and the last user turn.
function toHistory(messages) {
    const history = [];
    for (const m of messages.slice(0, -1)) {
        const text = typeof m.content === "string" ? m.content
            : (m.content ?? []).map((part) => part.text ?? "").join("");
        if (m.role === "system" || m.role === "developer") history.push({type: "system", text});
        else if (m.role === "assistant") history.push({type: "model", response: [text]});
        else history.push({type: "user", text});
    }
    const last = messages.at(-1);
    if (!last || last.role !== "user") throw new Error("the last message must be the user's");
    return {history, prompt: typeof last.content === "string" ? last.content
        : last.content.map((part) => part.text ?? "").join("")};
}

let queue = Promise.resolve();
let lastReply = "";  // logged with LLM_SERVER_LOG_REPLIES=1, to read what the model wrote  // one generation at a time on the one sequence

async function complete(body, onText) {
    const {history, prompt} = toHistory(body.messages ?? []);
    // max_tokens is the name most local servers read; OpenAI's clients now send
    // max_completion_tokens: honour either.
    const maxTokens = body.max_tokens ?? body.max_completion_tokens ?? undefined;
    // node-llama-cpp would drop the start of a chat that does not fit (the system prompt
    // first); refuse it instead, as OpenAI does, so the client learns its prompt is too long.
    const promptTokens = model.tokenize(history.map((h) => h.text ?? h.response.join("")).join("\n")
        + "\n" + prompt).length;
    if (promptTokens + (maxTokens ?? 0) + 64 > contextSize) {
        throw new Error(`the prompt (${promptTokens} tokens) and reply (${maxTokens ?? 0}) exceed the context ` +
            `window of ${contextSize} tokens`);
    }
    const before = {...sequence.tokenMeter.getState()};
    const session = new LlamaChatSession({contextSequence: sequence, autoDisposeSequence: false});
    try {
        session.setChatHistory(history);
        const result = await session.promptWithMeta(prompt, {
            maxTokens, temperature: body.temperature ?? 0, seed: body.seed ?? 0,
            customStopTriggers: body.stop ? [].concat(body.stop) : undefined,
            onTextChunk: onText,
        });
        const after = sequence.tokenMeter.getState();
        lastReply = result.responseText;
        return {text: result.responseText, finish: result.stopReason === "maxTokens" ? "length" : "stop",
            usage: {prompt_tokens: after.usedInputTokens - before.usedInputTokens,
                completion_tokens: after.usedOutputTokens - before.usedOutputTokens}};
    } finally {
        session.dispose({disposeSequence: false});
        await sequence.clearHistory();
    }
}

function json(res, status, payload) {
    res.writeHead(status, {"content-type": "application/json"});
    res.end(JSON.stringify(payload));
}

const server = http.createServer((req, res) => {
    if (req.method === "GET" && req.url.startsWith("/v1/models")) {
        return json(res, 200, {object: "list", data: [{id: name, object: "model", owned_by: "local"}]});
    }
    if (req.method !== "POST" || !req.url.startsWith("/v1/chat/completions")) {
        return json(res, 404, {error: {message: `no route ${req.method} ${req.url}`, type: "not_found"}});
    }
    let raw = "";
    req.on("data", (chunk) => raw += chunk);
    req.on("end", () => {
        queue = queue.then(() => handle(raw, res)).catch(() => {});
    });
});

async function handle(raw, res) {
    const started = Date.now();
    let body;
    try {
        body = JSON.parse(raw);
    } catch {
        return json(res, 400, {error: {message: "the body is not JSON", type: "invalid_request_error"}});
    }
    const id = `chatcmpl-${started}`;
    const created = Math.floor(started / 1000);
    try {
        if (body.stream) {
            res.writeHead(200, {"content-type": "text/event-stream", "cache-control": "no-cache"});
            const send = (delta, finish) => res.write(`data: ${JSON.stringify({id, object: "chat.completion.chunk",
                created, model: name, choices: [{index: 0, delta, finish_reason: finish}]})}\n\n`);
            send({role: "assistant", content: ""}, null);
            const out = await complete(body, (text) => send({content: text}, null));
            send({}, out.finish);
            res.end("data: [DONE]\n\n");
        } else {
            const out = await complete(body);
            json(res, 200, {id, object: "chat.completion", created, model: name,
                choices: [{index: 0, message: {role: "assistant", content: out.text}, finish_reason: out.finish}],
                usage: {...out.usage, total_tokens: out.usage.prompt_tokens + out.usage.completion_tokens}});
        }
        console.log(`${new Date().toISOString()} ${((Date.now() - started) / 1000).toFixed(1)} s` +
            (process.env.LLM_SERVER_LOG_REPLIES ? ` ${JSON.stringify(lastReply)}` : ""));
    } catch (error) {
        const message = String(error?.message ?? error);
        // a prompt longer than the window is the client's to fix: 400, as OpenAI answers it
        const tooLong = /context|too long|exceed/i.test(message);
        if (res.headersSent) return res.end();
        json(res, tooLong ? 400 : 500, {error: {message, type: tooLong ? "invalid_request_error" : "server_error",
            code: tooLong ? "context_length_exceeded" : null}});
    }
}

server.listen(port, "127.0.0.1");
