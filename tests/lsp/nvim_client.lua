-- Neovim's built-in LSP client (0.7+: vim.lsp.start_client and
-- vim.lsp.buf_attach_client, no vim.lsp.start) driving `ormlint lsp` as the
-- editor does: open FILE in a buffer, attach, wait for the diagnostics
-- (vim.diagnostic), request code actions at the first diagnostic of CODE as
-- vim.lsp.buf.code_action does, apply the preferred quick fix with
-- vim.lsp.util.apply_workspace_edit (the buffer change goes to the server as
-- Neovim's own incremental didChange), wait for that diagnostic to go, hover
-- on a diagnostic of another rule, stop the client and record the server's
-- exit code. Writes one JSON object to OUT for tests/e2e/test_lsp_clients.py.
--
--   ORMLINT=... ROOT=... FILE=... CODE=ORM002 OUT=... \
--     nvim --headless --clean -u NONE -c 'luafile nvim_client.lua'
local env = vim.env
local out = { log = {} }
local TIMEOUT = 20000

local function finish(rc)
  local f = io.open(env.OUT, 'w')
  f:write(vim.fn.json_encode(out))
  f:close()
  vim.cmd(rc == 0 and 'qall!' or ('cquit ' .. rc))
end

local function main()
  -- Python's ftplugin probes the python3 provider (a python3 process, over a
  -- second); this client has no use for it.
  vim.g.loaded_python3_provider = 0
  local t0 = vim.loop.hrtime()
  local exit_code
  local client_id = vim.lsp.start_client({
    name = 'ormlint',
    cmd = { env.ORMLINT, 'lsp' },
    cmd_cwd = env.ROOT,
    root_dir = env.ROOT,
    offset_encoding = 'utf-16',
    on_exit = function(code, signal) exit_code = { code = code, signal = signal } end,
  })
  assert(client_id, 'start_client failed')
  vim.cmd('edit ' .. vim.fn.fnameescape(env.FILE))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = 'python'
  local opened = vim.loop.hrtime()
  assert(vim.lsp.buf_attach_client(bufnr, client_id), 'buf_attach_client failed')
  local ns = vim.lsp.diagnostic.get_namespace(client_id)
  local function diags() return vim.diagnostic.get(bufnr, { namespace = ns }) end

  assert(vim.wait(TIMEOUT, function() return #diags() > 0 end, 10), 'no diagnostics on open')
  out.open_ms = (vim.loop.hrtime() - opened) / 1e6
  local client = vim.lsp.get_client_by_id(client_id)
  out.offset_encoding = client.offset_encoding
  out.server_position_encoding = client.server_capabilities and client.server_capabilities.positionEncoding
    or client.resolved_capabilities and client.resolved_capabilities.positionEncoding
  local before = diags()
  out.before = vim.tbl_map(function(d) return { code = d.code, lnum = d.lnum, col = d.col, end_col = d.end_col } end, before)

  local target
  for _, d in ipairs(before) do
    if d.code == env.CODE then target = d break end
  end
  assert(target, 'no ' .. env.CODE .. ' diagnostic')
  -- As vim.lsp.buf.code_action() does: the cursor's range (converted to the
  -- client's encoding) and the line's diagnostics as context.
  vim.api.nvim_win_set_cursor(0, { target.lnum + 1, target.col })
  local params = vim.lsp.util.make_range_params(0, client.offset_encoding)
  params.context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr, target.lnum, {}, client_id) }
  out.request_range = params.range
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, TIMEOUT)
  assert(responses and responses[client_id], 'no codeAction response')
  assert(not responses[client_id].err, vim.inspect(responses[client_id].err))
  local actions = responses[client_id].result or {}
  out.actions = vim.tbl_map(function(a) return { title = a.title, kind = a.kind, isPreferred = a.isPreferred == true } end, actions)
  local fix
  for _, a in ipairs(actions) do
    if a.kind == 'quickfix' and a.isPreferred and a.edit then fix = a break end
  end
  assert(fix, 'no preferred quick fix')
  out.fix_title = fix.title

  local changed = vim.loop.hrtime()
  local n = #before
  vim.lsp.util.apply_workspace_edit(fix.edit, client.offset_encoding)
  assert(vim.wait(TIMEOUT, function() return #diags() < n end, 5), 'the diagnostic did not go away')
  out.change_ms = (vim.loop.hrtime() - changed) / 1e6
  out.after = vim.tbl_map(function(d) return { code = d.code, lnum = d.lnum, col = d.col, end_col = d.end_col } end, diags())
  out.text = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n') .. '\n'

  for _, d in ipairs(diags()) do
    if d.code ~= env.CODE then
      vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
      local hp = vim.lsp.util.make_position_params(0, client.offset_encoding)
      local hr = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', hp, TIMEOUT)
      assert(hr and hr[client_id] and not hr[client_id].err, 'hover failed')
      out.hover_code = d.code
      out.hover = hr[client_id].result
      break
    end
  end

  local stopping = vim.loop.hrtime()
  vim.lsp.stop_client(client_id)  -- shutdown, then exit
  assert(vim.wait(TIMEOUT, function() return exit_code ~= nil end, 10), 'the server did not exit')
  out.stop_ms = (vim.loop.hrtime() - stopping) / 1e6
  out.exit_code = exit_code.code
  out.signal = exit_code.signal
  out.total_ms = (vim.loop.hrtime() - t0) / 1e6
end

local ok, err = xpcall(main, debug.traceback)
if not ok then out.error = tostring(err) end
finish(ok and 0 or 2)
