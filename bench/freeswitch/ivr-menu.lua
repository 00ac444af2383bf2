-- The default flow's path for a known client, as an in-process mod_lua script: the anchor of
-- `npm run bench:freeswitch` (bench/freeswitch.ts). It does on the channel what the app does
-- over the event socket for the same caller, with nothing in between: answer, the variable
-- the runner sets, the whole-call recording, the welcome, the language menu, then
-- the main menu until the caller hangs up (3: the balance, said with the same fragments;
-- 2: the prices; no input or a wrong key: the prompt, again, at most twice more). What it
-- does not do is the app's work around the call: no client lookup, no call register, no
-- routing (1 and 0 end the script).
--
--   <action application="lua" data="/abs/bench/freeswitch/ivr-menu.lua PROMPTS_DIR RECORDINGS_DIR BALANCE_PLAYLIST [execute]"/>
--
-- PROMPTS_DIR holds <language>/<id>.wav (the project's prompts/); BALANCE_PLAYLIST is what the
-- app plays for the balance (file_string://.../balance-is.wav!...), worked out by the bench.
-- With `execute` (bench/freeswitch/control-cost.ts), every step runs as a dialplan
-- application (session:execute: set, playback, play_and_get_digits), as over the event
-- socket, so FreeSWITCH makes the CHANNEL_EXECUTE events it makes for the app; no socket.

local prompts = argv[1]
local recordings = argv[2]
local balance = argv[3]
local viaExecute = argv[4] == 'execute'
local ANY_DIGIT = '0123456789*#'
local LANGUAGES = { ['1'] = 'en', ['2'] = 'ru', ['3'] = 'pt', ['4'] = 'bs' }

local function file(language, id)
  return prompts .. '/' .. language .. '/' .. id .. '.wav'
end

local function set(name, value)
  if viaExecute then
    session:execute('set', name .. '=' .. value)
  else
    session:setVariable(name, value)
  end
end

-- As the app's `collect` effect: one digit, one try, 5 s, '#' ends it, the same regex.
local function ask(language, id)
  if viaExecute then
    session:execute('play_and_get_digits', '1 1 1 5000 # ' .. file(language, id) .. ' silence_stream://100 cc_digits [0-9*#]+ 5000')
    return session:getVariable('cc_digits') or ''
  end
  return session:playAndGetDigits(1, 1, 1, 5000, '#', file(language, id), 'silence_stream://100', '[0-9*#]+', 'cc_digits', 5000)
end

local function play(media, terminators)
  set('playback_terminators', terminators)
  if viaExecute then
    session:execute('playback', media)
  else
    session:streamFile(media)
  end
end

if viaExecute then session:execute('answer') else session:answer() end
set('continue_on_fail', 'true')
session:execute('record_session', recordings .. '/' .. session:get_uuid() .. '.wav')
play(file('en', 'welcome'), ANY_DIGIT)

-- The language menu: one retry, then English.
local language = 'en'
for _ = 1, 2 do
  if not session:ready() then return end
  local chosen = LANGUAGES[ask('en', 'choose-language')]
  if chosen then
    language = chosen
    break
  end
end

-- The main menu: 3 the balance, 2 the prices, both back to the menu.
local retries = 0
while session:ready() do
  local digit = ask(language, 'main-menu')
  if not session:ready() then break end
  if digit == '3' then
    retries = 0
    play(balance, 'none')
  elseif digit == '2' then
    retries = 0
    play(file(language, 'prices-info'), ANY_DIGIT)
  elseif digit == '1' or digit == '0' then
    break
  else
    if retries >= 2 then break end
    retries = retries + 1
    play(file(language, digit == '' and 'no-input' or 'invalid-option'), 'none')
  end
end
if session:ready() then session:hangup() end
