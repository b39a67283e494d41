# perf-stages.awk: where the latency goes, from `perf script -F comm,tid,time,event,trace` of a `tools/bench
# --profile` run (scheduler switches and wake-ups, a few system calls).  Each change made by bench-native is
# followed along its path to our callback:
#
#   t0        bench-native's netlink write (sendto)                      the change
#   helper    the helper is switched in                                  kernel -> helper wake-up
#   sent      the helper writes the record to the DLL (sendto, MSG_NOSIGNAL)
#   reader    our reader thread is switched in (wineserver woke it: it polls the socket for Wine's recv)
#   data      the reader's recvmsg returns the record                   Wine's socket machinery
#   post      the reader wakes a worker (futex wake)                     decode, apply, diff, queue
#   worker    the worker is switched in: our callback runs               thread hand-off
#   floor     bench-native's listener thread returns from recv           the native floor
#
# Prints the median of each step per kind of change (netlink request size tells: address 40 bytes, route 44,
# link 56 (add) or 32 (delete)), and how many wineserver requests (64-byte writes) the reader made and how often
# it went to sleep from "reader" to "post".  Samples whose path could not be followed (e.g. a worker already
# awake) are counted.

function kind_of(len)
{
    if (len == 40) return "address"
    if (len == 44) return "route"
    if (len == 56 || len == 32) return "link"
    return ""
}

function field(name,    i, n, parts)
{
    for (i = 1; i <= NF; i++)
        if (index($i, name "=") == 1) return substr($i, length(name) + 2)
    return ""
}

function hexval(s,    v, i, c)
{
    sub(/^0x/, "", s)
    sub(/,$/, "", s)
    v = 0
    for (i = 1; i <= length(s); i++)
    {
        c = index("0123456789abcdef", tolower(substr(s, i, 1))) - 1
        v = v * 16 + c
    }
    return v
}

function arg(name,    i)
{
    for (i = 1; i < NF; i++)
        if ($i == name ":") return hexval($(i + 1))
    return -1
}

function finish(ok)
{
    if (state && ok)
    {
        n[kind]++
        k = kind SUBSEP n[kind]
        d["helper", k] = t_helper - t0
        d["sent", k] = t_sent - t_helper
        d["reader", k] = t_reader - t_sent
        d["data", k] = t_data - t_reader
        d["post", k] = t_post - t_data
        d["worker", k] = t_worker - t_post
        d["total", k] = t_worker - t0
        d["floor", k] = t_floor > 0 ? t_floor - t0 : -1
        d["requests", k] = requests
        d["sleeps", k] = sleeps
    }
    else if (state) lost[kind]++
    state = 0
}

function median(step, kind,    i, m, a, tmp, j)
{
    m = 0
    for (i = 1; i <= n[kind]; i++)
        if (d[step, kind SUBSEP i] >= 0) a[++m] = d[step, kind SUBSEP i]
    for (i = 2; i <= m; i++)
    {
        tmp = a[i]
        for (j = i - 1; j >= 1 && a[j] > tmp; j--) a[j + 1] = a[j]
        a[j + 1] = tmp
    }
    return m ? a[int((m + 1) / 2)] : -1
}

{
    comm = $1; tid = $2; t = $3; ev = $4
    sub(/:$/, "", t)
    t = t * 1e6
    sub(/:$/, "", ev)
}

comm == "bench-native" && ev == "syscalls:sys_enter_sendto" {
    finish(0)
    kind = kind_of(arg("len"))
    if (kind == "") next
    state = 1; t0 = t; trigger = tid; t_floor = -1; reader = ""; worker = ""; requests = 0; sleeps = 0
    next
}

!state { next }

comm == "bench-native" && tid != trigger && ev == "syscalls:sys_exit_recvfrom" && t_floor < 0 { t_floor = t }

state == 1 && ev == "sched:sched_switch" && field("next_comm") == "winenotify-host" { t_helper = t; state = 2; next }

state == 2 && comm == "winenotify-host" && ev == "syscalls:sys_enter_sendto" && arg("flags") == 16384 { t_sent = t; state = 3; next }

state == 3 && comm ~ /^wineserver/ && ev == "sched:sched_wakeup" && field("comm") == "bench.exe" { reader = field("pid"); state = 4; next }

state == 4 && ev == "sched:sched_switch" && field("next_pid") == reader { t_reader = t; state = 5; next }

(state == 5 || state == 6) && tid == reader && ev == "syscalls:sys_enter_write" { requests++ }

(state == 5 || state == 6) && ev == "sched:sched_switch" && field("prev_pid") == reader && field("prev_state") != "R" { sleeps++ }

state == 5 && tid == reader && ev == "syscalls:sys_exit_recvmsg" && hexval($NF) > 4 { t_data = t; state = 6; next }

state == 6 && tid == reader && ev == "sched:sched_wakeup" && field("comm") == "bench.exe" { worker = field("pid"); t_post = t; state = 7; next }

state == 7 && ev == "sched:sched_switch" && field("next_pid") == worker { t_worker = t; finish(1); next }

END {
    finish(0)
    printf "%-8s %6s %6s %6s %6s %6s %6s %6s | %6s | %4s %6s %5s\n", "median", "helper", "sent", "reader", "data", \
        "post", "worker", "total", "floor", "reqs", "sleeps", "n"
    split("address route link", kinds, " ")
    for (i = 1; i <= 3; i++)
    {
        kd = kinds[i]
        if (!n[kd]) continue
        printf "%-8s %6.0f %6.0f %6.0f %6.0f %6.0f %6.0f %6.0f | %6.0f | %4d %6d %5d (%d not followed)\n", kd,
            median("helper", kd), median("sent", kd), median("reader", kd), median("data", kd), median("post", kd),
            median("worker", kd), median("total", kd), median("floor", kd), median("requests", kd),
            median("sleeps", kd), n[kd], lost[kd]
    }
}
