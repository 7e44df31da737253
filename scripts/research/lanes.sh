# Sourced by the screens that run two sweeps side by side, one per core (sets nothing itself;
# the caller sets $here, its own directory, and $out, the JSON-lines file):
#   lane a "TARGETS" "SEEDS" [train flags…]  starts sweep.sh into $out.a in the background
#   join_lanes                               waits for every lane, then appends $out.a, $out.b,
#                                            … to $out in that order and removes them
lane() {
  local name=$1
  shift
  "$here/sweep.sh" "$out.$name" "$@" &
}
join_lanes() {
  wait
  local f
  for f in "$out".?; do
    if [ -e "$f" ]; then cat "$f" >> "$out" && rm "$f"; fi
  done
}
