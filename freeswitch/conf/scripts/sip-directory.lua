--[[
  The operators' SIP accounts, as the app holds them (src/sip/accounts.ts): mod_lua's
  xml-handler for the directory section (autoload_configs/lua.conf.xml). The app publishes
  each account into mod_hash over the event socket:
    hash insert/opencc_sip/<user>/<a1-hash>              md5 of user:realm:secret
    hash insert/opencc_sipname/<user>/<url-encoded name>
  and republishes everything when the switch (re)connects: mod_hash lives in memory.

  FreeSWITCH asks for a user (REGISTER and INVITE auth, user_exists, user_data, dialling
  user/<id>) through switch_xml_locate_user, whose params carry the headers key ("id"),
  user and domain (and action, e.g. sip_auth). A user the app holds gets a document with the
  domain and that user; anything else (domain-only lookups such as group/..., other keys,
  users the app does not hold) leaves XML_STRING unset, and FreeSWITCH falls back to its
  static XML directory (directory/*.xml).
  No password leaves the app: the document carries only the a1-hash, bound to the realm.
--]]

local function header(name)
  if params == nil then return nil end
  local v = params:getHeader(name)
  if v == nil or v == "" then return nil end
  return v
end

local function xml_escape(s)
  return (s:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"):gsub('"', "&quot;"):gsub("'", "&apos;"))
end

local function url_decode(s)
  return (s:gsub("%%(%x%x)", function(h) return string.char(tonumber(h, 16)) end))
end

local function answer()
  if XML_REQUEST == nil or XML_REQUEST["section"] ~= "directory" then return end
  local user, domain, key = header("user"), header("domain"), header("key")
  -- Only lookups of one user by id; the same characters the app allows (no '/' can reach hash).
  if user == nil or domain == nil or key ~= "id" then return end
  if not user:match("^[A-Za-z0-9._-]+$") or #user > 64 then return end
  if not domain:match("^[A-Za-z0-9._:-]+$") then return end

  local api = freeswitch.API()
  local a1 = api:execute("hash", "select/opencc_sip/" .. user)
  if a1 == nil or not a1:match("^%x+$") or #a1 ~= 32 then return end
  local name = api:execute("hash", "select/opencc_sipname/" .. user) or ""
  if name:match("^%-ERR") then name = "" end
  name = xml_escape(url_decode(name))

  -- The domain's params and variables as in directory/default.xml (the dial-string is
  -- expanded per call: single dollars). The codecs are offered as such: bridged from a
  -- caller, FreeSWITCH 1.11 would offer only the caller's codec, which a browser may not
  -- have (switch_core_media_prepare_codecs). A phone that sends no audio for 8 s is hung up
  -- (media_timeout; a live softphone sends silence when muted): a browser that dies sends no
  -- BYE, and its caller would hear nothing for a minute. On hold it may be silent for an hour
  -- (media_hold_timeout). Open lines set the same (LINE_MEDIA_TIMEOUT_MS, src/lines).
  XML_STRING = table.concat({
    '<document type="freeswitch/xml">',
    '  <section name="directory">',
    '    <domain name="' .. domain .. '">',
    '      <params>',
    '        <param name="dial-string" value="{^^:sip_invite_domain=${dialed_domain}:presence_id=${dialed_user}@${dialed_domain}:absolute_codec_string=OPUS,G722,PCMU,PCMA:media_timeout=8000:media_hold_timeout=3600000}${sofia_contact(*/${dialed_user}@${dialed_domain})}"/>',
    '        <param name="allow-empty-password" value="false"/>',
    '      </params>',
    '      <variables>',
    '        <variable name="user_context" value="default"/>',
    '      </variables>',
    '      <groups>',
    '        <group name="opencc">',
    '          <users>',
    '            <user id="' .. user .. '">',
    '              <params><param name="a1-hash" value="' .. a1 .. '"/></params>',
    '              <variables><variable name="effective_caller_id_name" value="' .. name .. '"/></variables>',
    '            </user>',
    '          </users>',
    '        </group>',
    '      </groups>',
    '    </domain>',
    '  </section>',
    '</document>',
  }, "\n")
end

answer()
