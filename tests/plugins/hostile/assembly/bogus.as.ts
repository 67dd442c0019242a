// Imports a host function Loom does not offer: the host must refuse it at load.
@external("extism:host/user", "exec_shell")
declare function exec_shell(cmd: u64): u64;

export function run(): i32 {
  return i32(exec_shell(0));
}
