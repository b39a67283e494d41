# windows-test-run.ps1: runs every winetest program on Windows, against the system DLLs or against ours placed
# beside each program (the application directory comes before system32 in the DLL search order, and neither
# DLL is a KnownDLL), and judges each by Wine's summary line, as tools/wine-test-run does under Wine.
param(
    [Parameter(Mandatory = $true)][ValidateSet('x86_64', 'i386')][string]$Arch,
    [Parameter(Mandatory = $true)][ValidateSet('system', 'ours')][string]$Dlls
)
$ErrorActionPreference = 'Stop'
$summary = '^[0-9a-f]{4,}:[A-Za-z0-9_]+: ([0-9]+) tests executed \(([0-9]+) marked as todo, (?:[0-9]+ as flaky, )?([0-9]+) failures?\), ([0-9]+) skipped\.$'
$passed = 0; $failed = 0

# The interface the tests may change (addresses in 10.77-10.79/16 and fd77-fd79::/16, routes through them): the
# one that carries the default route.  The runner is an administrator, so the changes are made and the real
# notifications checked; a user without admin rights gets ERROR_ACCESS_DENIED and the tests skip.
if (-not $env:WINENOTIFY_TEST_IF) {
    $route = Get-NetRoute -DestinationPrefix '0.0.0.0/0' -ErrorAction SilentlyContinue |
        Sort-Object RouteMetric | Select-Object -First 1
    if ($route) { $env:WINENOTIFY_TEST_IF = $route.InterfaceAlias }
}
Write-Output "interface to change: $env:WINENOTIFY_TEST_IF"

foreach ($exe in Get-ChildItem "winetest/$Arch/*.exe") {
    $dir = Join-Path $env:RUNNER_TEMP "wt-$Arch-$Dlls-$($exe.BaseName)"
    New-Item -ItemType Directory -Force $dir | Out-Null
    Copy-Item $exe.FullName $dir
    if ($Dlls -eq 'ours') {
        Copy-Item "drop/$Arch/*.dll" $dir
        $env:WINENOTIFY_EXPECT = 'ours'
    } else {
        Remove-Item Env:WINENOTIFY_EXPECT -ErrorAction SilentlyContinue
    }
    $out = & (Join-Path $dir $exe.Name) 2>&1 | ForEach-Object { "$_" }
    $out | ForEach-Object { Write-Output $_ }
    $lines = @($out | Where-Object { $_ -match $summary })
    $fail = 0
    foreach ($l in $lines) { if ($l -match $summary) { $fail += [int]$Matches[3] } }
    $bad = @($out | Where-Object { $_ -match 'Test failed|Test succeeded inside todo block' }).Count
    if ($lines.Count -eq 0) { Write-Output "FAIL: $($exe.BaseName): no summary line"; $failed++ }
    elseif ($fail -gt 0 -or $bad -gt 0) { Write-Output "FAIL: $($exe.BaseName): $fail failure(s)"; $failed++ }
    else { Write-Output "PASS: $($exe.BaseName)"; $passed++ }
}
Write-Output "$passed passed, $failed failed"
if ($failed -gt 0) { exit 1 }
