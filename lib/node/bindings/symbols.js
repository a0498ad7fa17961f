// internalBinding('symbols'): the per-isolate symbols Node's C++ and JS share
// (src/env_properties.h in Node); plain symbols here.
const names = [
  'fs_use_promises_symbol', 'async_id_symbol', 'handle_onclose_symbol', 'no_message_symbol',
  'messaging_deserialize_symbol', 'imported_cjs_symbol', 'messaging_transfer_symbol',
  'messaging_clone_symbol', 'messaging_transfer_list_symbol', 'oninit_symbol', 'owner_symbol',
  'onpskexchange_symbol', 'resource_symbol', 'trigger_async_id_symbol', 'source_text_module_default_hdo',
  'vm_context_no_contextify', 'vm_dynamic_import_default_internal', 'vm_dynamic_import_main_context_default',
  'vm_dynamic_import_missing_flag', 'vm_dynamic_import_no_callback', 'entry_point_module_private_symbol',
  'entry_point_promise_private_symbol',
  // by the names Node's JS reads them (internal/worker/io.js)
  'handle_onclose', 'oninit',
];
const symbols = {};
for (const name of names) symbols[name] = Symbol(name);
export default symbols;
