<#
.SYNOPSIS
  Installs a facesweep DirectML worker on this Windows machine as a service.

.DESCRIPTION
  1. Fetches the NuGet packages Microsoft.ML.OnnxRuntime.DirectML (onnxruntime.dll with DirectML compiled in)
     and Microsoft.AI.DirectML (DirectML.dll) from the NuGet v3 flat container, extracts the two x64 DLLs side by
     side into <InstallDir>\native, and checks their file versions: onnxruntime.dll must have the same
     major.minor as the ONNX Runtime jar inside the worker jar (the C API layout is per minor version), and
     DirectML.dll must be 1.15 or newer.
  2. Copies the worker jar (worker-dml\target\facesweep-worker.jar) to <InstallDir>.
  3. Writes <InstallDir>\jvm-options.txt with -Donnxruntime.native.onnxruntime.path=<InstallDir>\native\onnxruntime.dll
     and <InstallDir>\run-worker.cmd to run the worker in the foreground (try it once before the service).
  4. Installs the Windows service with WinSW (a small service wrapper: pass -WinSWExe, or -FetchWinSW to download
     it), which restarts the worker when it exits and stops it with Ctrl+C so the batch in progress finishes.
     With -ScheduledTask instead, a task started at boot runs the worker (no wrapper needed).

  Re-running the script updates the DLLs, the jar and the service definition in place.
  Step-by-step guide: docs\windows-dml.md.

.EXAMPLE
  .\install-worker.ps1 -Broker amqps://mq.lan:5671 -BrokerUser facesweep -Model D:\models\ViT-L-14__dfn2b `
      -PathMap '/mnt/e/=E:\' -FetchWinSW
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)][string] $Broker,
    [Parameter(Mandatory = $true)][string] $Model,
    [string[]] $PathMap = @(),
    [string[]] $AllowRoot = @(),
    [string] $BrokerUser = '',
    [string] $Device = '',
    [ValidateSet('fail', 'cpu')][string] $Fallback = 'fail',
    [int] $Port = 8081,
    [string] $WorkerId = '',
    [string] $InstallDir = "$env:ProgramData\facesweep\worker",
    [string] $WorkerJar = (Join-Path $PSScriptRoot '..\..\worker-dml\target\facesweep-worker.jar'),
    [string] $JavaExe = '',
    [string] $OrtVersion = '1.24.2',
    [string] $DirectMLVersion = '1.15.4',
    [string] $ServiceName = 'facesweep-worker',
    [string] $WinSWExe = '',
    [switch] $FetchWinSW,
    [string] $WinSWVersion = '2.12.0',
    [switch] $ScheduledTask,
    [switch] $NoService
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'   # Invoke-WebRequest is far faster without the progress bar

function Fail([string] $message) {
    Write-Host "install-worker: $message" -ForegroundColor Red
    exit 2
}

function Step([string] $message) {
    Write-Host "==> $message" -ForegroundColor Cyan
}

# ---- preconditions ----
if (-not [Environment]::Is64BitOperatingSystem) { Fail 'DirectML workers need 64-bit Windows.' }
$principal = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())
if (-not $NoService -and -not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
    Fail 'run this script from an elevated PowerShell (Run as administrator), or pass -NoService.'
}
if (-not (Test-Path $WorkerJar)) {
    Fail "no worker jar at $WorkerJar; build it with .\mvnw.cmd -DskipTests package (or pass -WorkerJar)."
}
if (-not (Test-Path (Join-Path $Model 'visual\model.onnx'))) {
    Fail "$Model has no visual\model.onnx; point -Model at a facesweep model bundle."
}
if (-not $JavaExe) {
    if ($env:JAVA_HOME -and (Test-Path (Join-Path $env:JAVA_HOME 'bin\java.exe'))) {
        $JavaExe = Join-Path $env:JAVA_HOME 'bin\java.exe'
    } else {
        $cmd = Get-Command java.exe -ErrorAction SilentlyContinue
        if (-not $cmd) { Fail 'no java.exe found: install a JDK 17+ (e.g. Temurin) or pass -JavaExe.' }
        $JavaExe = $cmd.Source
    }
}
$javaVersion = (& $JavaExe -version 2>&1 | Select-Object -First 1).ToString()
if ($javaVersion -notmatch '"(\d+)') { Fail "cannot read the Java version from: $javaVersion" }
if ([int]$Matches[1] -lt 17) { Fail "$JavaExe is Java $($Matches[1]); facesweep needs Java 17 or newer." }

# The ONNX Runtime version inside the worker jar (BOOT-INF/lib/onnxruntime-X.Y.Z.jar) must match the DLL's minor.
Add-Type -AssemblyName System.IO.Compression.FileSystem
$zip = [IO.Compression.ZipFile]::OpenRead((Resolve-Path $WorkerJar))
try {
    $ortJar = $zip.Entries | Where-Object { $_.FullName -match '^BOOT-INF/lib/onnxruntime(_gpu)?-(\d+\.\d+\.\d+)\.jar$' } |
        Select-Object -First 1
} finally { $zip.Dispose() }
if (-not $ortJar) { Fail "$WorkerJar contains no onnxruntime jar; is it the worker-dml build?" }
$null = $ortJar.FullName -match '-(\d+)\.(\d+)\.(\d+)\.jar$'
$jarMinor = "$($Matches[1]).$($Matches[2])"
if (-not $OrtVersion.StartsWith("$jarMinor.")) {
    Fail "the worker jar uses ONNX Runtime $jarMinor.x but -OrtVersion is $OrtVersion; use a $jarMinor.x DirectML package."
}

# ---- 1. the DLLs ----
$native = Join-Path $InstallDir 'native'
$downloads = Join-Path $InstallDir 'downloads'
New-Item -ItemType Directory -Force -Path $native, $downloads | Out-Null

function Get-NuGetPackage([string] $id, [string] $version) {
    $lower = $id.ToLowerInvariant()
    $file = Join-Path $downloads "$lower.$version.nupkg"
    if (-not (Test-Path $file)) {
        $url = "https://api.nuget.org/v3-flatcontainer/$lower/$version/$lower.$version.nupkg"
        Step "downloading $id $version"
        try {
            Invoke-WebRequest -Uri $url -OutFile "$file.part" -UseBasicParsing
        } catch {
            Fail "cannot download $url ($($_.Exception.Message)); check the version exists on NuGet and the proxy settings."
        }
        Move-Item -Force "$file.part" $file
    }
    $dir = Join-Path $downloads "$lower.$version"
    if (Test-Path $dir) { Remove-Item -Recurse -Force $dir }
    [IO.Compression.ZipFile]::ExtractToDirectory($file, $dir)
    return $dir
}

function Copy-Dll([string] $packageDir, [string] $relative) {
    $source = Join-Path $packageDir $relative
    if (-not (Test-Path $source)) { Fail "the package $packageDir has no $relative; the package layout changed?" }
    Copy-Item -Force $source $native
    return Join-Path $native (Split-Path $source -Leaf)
}

function Test-DllVersion([string] $path, [string] $wantPrefix, [string] $what) {
    $info = (Get-Item $path).VersionInfo
    $v = "$($info.FileMajorPart).$($info.FileMinorPart).$($info.FileBuildPart)"
    if (-not $v.StartsWith($wantPrefix)) {
        Fail "$path is $what version $v, expected $wantPrefix.x."
    }
    Write-Host "    $(Split-Path $path -Leaf) $v"
    return $v
}

$ortDir = Get-NuGetPackage 'Microsoft.ML.OnnxRuntime.DirectML' $OrtVersion
$dmlDir = Get-NuGetPackage 'Microsoft.AI.DirectML' $DirectMLVersion
Step "installing the DLLs into $native"
$ortDll = Copy-Dll $ortDir 'runtimes\win-x64\native\onnxruntime.dll'
$dmlDll = Copy-Dll $dmlDir 'bin\x64-win\DirectML.dll'
$null = Test-DllVersion $ortDll "$jarMinor." 'ONNX Runtime'
$dmlVersion = Test-DllVersion $dmlDll '1.' 'DirectML'
if ([version]$dmlVersion -lt [version]'1.15.0') { Fail "$dmlDll is DirectML $dmlVersion; ONNX Runtime $jarMinor needs 1.15 or newer." }

# ---- 2. the jar ----
Step "installing the worker jar into $InstallDir"
Copy-Item -Force $WorkerJar (Join-Path $InstallDir 'facesweep-worker.jar')

# ---- 3. JVM option, arguments, foreground runner ----
$jvmOption = "-Donnxruntime.native.onnxruntime.path=$ortDll"
Set-Content -Encoding ASCII -Path (Join-Path $InstallDir 'jvm-options.txt') -Value $jvmOption

$workerArgs = @('--broker', $Broker, '--model', $Model, '--provider', 'dml')
foreach ($m in $PathMap) { $workerArgs += @('--path-map', $m) }
foreach ($r in $AllowRoot) { $workerArgs += @('--allow-root', $r) }
$javaArgs = @($jvmOption, "-Dfacesweep.worker.dml.fallback=$Fallback", "-Dserver.port=$Port")
if ($Device) { $javaArgs += "-Dfacesweep.worker.device=$Device" }
if ($WorkerId) { $javaArgs += "-Dfacesweep.worker.id=$WorkerId" }
$javaArgs += @('-jar', (Join-Path $InstallDir 'facesweep-worker.jar')) + $workerArgs

function Quote([string] $s) { if ($s -match '[\s"]') { '"' + ($s -replace '"', '\"') + '"' } else { $s } }
$commandLine = ($javaArgs | ForEach-Object { Quote $_ }) -join ' '

$password = ''
if ($BrokerUser) {
    $secure = Read-Host "password of broker user $BrokerUser" -AsSecureString
    $password = [Runtime.InteropServices.Marshal]::PtrToStringAuto(
        [Runtime.InteropServices.Marshal]::SecureStringToBSTR($secure))
}

$runner = Join-Path $InstallDir 'run-worker.cmd'
$runnerLines = @('@echo off', 'rem facesweep DirectML worker in the foreground (Ctrl+C stops it after the batch in progress)')
if ($BrokerUser) {
    $runnerLines += "set FACESWEEP_AMQP_USERNAME=$BrokerUser"
    $runnerLines += 'if not defined FACESWEEP_AMQP_PASSWORD set /p FACESWEEP_AMQP_PASSWORD=broker password: '
}
$runnerLines += "`"$JavaExe`" $commandLine"
Set-Content -Encoding ASCII -Path $runner -Value $runnerLines
Write-Host "    foreground run: $runner"

# ---- 4. the service ----
if ($NoService) {
    Step "done (no service). Start the worker with $runner"
    exit 0
}

# only Administrators and SYSTEM may read the install folder: the service definition may hold the broker password
& icacls.exe $InstallDir /inheritance:r /grant:r 'Administrators:(OI)(CI)F' 'SYSTEM:(OI)(CI)F' | Out-Null

if ($ScheduledTask) {
    Step "registering the scheduled task $ServiceName (starts at boot, restarts on failure)"
    $envPrefix = ''
    if ($BrokerUser) { $envPrefix = "set FACESWEEP_AMQP_USERNAME=$BrokerUser&& set FACESWEEP_AMQP_PASSWORD=$password&& " }
    $taskCmd = Join-Path $InstallDir 'task-worker.cmd'
    Set-Content -Encoding ASCII -Path $taskCmd -Value @('@echo off', "$envPrefix`"$JavaExe`" $commandLine >> `"$InstallDir\worker.log`" 2>&1")
    $action = New-ScheduledTaskAction -Execute 'cmd.exe' -Argument "/c `"$taskCmd`""
    $trigger = New-ScheduledTaskTrigger -AtStartup
    $settings = New-ScheduledTaskSettingsSet -RestartCount 999 -RestartInterval (New-TimeSpan -Minutes 1) `
        -ExecutionTimeLimit ([TimeSpan]::Zero) -StartWhenAvailable
    Register-ScheduledTask -TaskName $ServiceName -Action $action -Trigger $trigger -Settings $settings `
        -User 'SYSTEM' -RunLevel Highest -Force | Out-Null
    Start-ScheduledTask -TaskName $ServiceName
    Step "started; log: $InstallDir\worker.log"
    exit 0
}

$serviceExe = Join-Path $InstallDir "$ServiceName.exe"
if ($WinSWExe) {
    Copy-Item -Force $WinSWExe $serviceExe
} elseif ($FetchWinSW) {
    $url = "https://github.com/winsw/winsw/releases/download/v$WinSWVersion/WinSW-x64.exe"
    Step "downloading WinSW $WinSWVersion"
    try { Invoke-WebRequest -Uri $url -OutFile $serviceExe -UseBasicParsing }
    catch { Fail "cannot download $url ($($_.Exception.Message)); download WinSW-x64.exe yourself and pass -WinSWExe." }
} elseif (-not (Test-Path $serviceExe)) {
    Fail 'no service wrapper: pass -WinSWExe C:\path\WinSW-x64.exe, -FetchWinSW to download it, or -ScheduledTask.'
}

$existing = Get-Service -Name $ServiceName -ErrorAction SilentlyContinue
if ($existing) {
    Step "stopping and removing the old $ServiceName service"
    & $serviceExe stop | Out-Null
    & $serviceExe uninstall | Out-Null
}

function Xml([string] $s) { [Security.SecurityElement]::Escape($s) }
$envXml = ''
if ($BrokerUser) {
    $envXml = "  <env name=`"FACESWEEP_AMQP_USERNAME`" value=`"$(Xml $BrokerUser)`"/>`n" +
              "  <env name=`"FACESWEEP_AMQP_PASSWORD`" value=`"$(Xml $password)`"/>`n"
}
$xml = @"
<service>
  <id>$(Xml $ServiceName)</id>
  <name>facesweep worker (DirectML)</name>
  <description>Scores face images for facesweep on this machine's GPU through DirectML.</description>
  <executable>$(Xml $JavaExe)</executable>
  <arguments>$(Xml $commandLine)</arguments>
$envXml  <workingdirectory>$(Xml $InstallDir)</workingdirectory>
  <startmode>Automatic</startmode>
  <delayedAutoStart>true</delayedAutoStart>
  <onfailure action="restart" delay="10 sec"/>
  <resetfailure>1 hour</resetfailure>
  <stoptimeout>90 sec</stoptimeout>
  <log mode="roll-by-size">
    <sizeThreshold>10240</sizeThreshold>
    <keepFiles>5</keepFiles>
  </log>
</service>
"@
Set-Content -Encoding UTF8 -Path (Join-Path $InstallDir "$ServiceName.xml") -Value $xml

Step "installing and starting the $ServiceName service"
& $serviceExe install
if ($LASTEXITCODE -ne 0) { Fail "WinSW could not install the service (exit $LASTEXITCODE)." }
& $serviceExe start
if ($LASTEXITCODE -ne 0) { Fail "WinSW could not start the service (exit $LASTEXITCODE); see $InstallDir\$ServiceName.err.log" }

Step "waiting for the DirectML start-up check (up to 3 minutes)"
$log = Join-Path $InstallDir "$ServiceName.out.log"
$deadline = (Get-Date).AddMinutes(3)
while ((Get-Date) -lt $deadline) {
    Start-Sleep -Seconds 3
    if (Test-Path $log) {
        $line = Select-String -Path $log -Pattern 'image model .* on (DirectML|CPU)' | Select-Object -Last 1
        if ($line) {
            Write-Host "    $($line.Line)"
            if ($line.Line -match ' on CPU ') {
                Write-Host 'install-worker: the worker fell back to the CPU (see the warnings in the log).' -ForegroundColor Yellow
            }
            Step "done: health on http://localhost:$Port/actuator/health, metrics on http://localhost:$Port/actuator/prometheus"
            exit 0
        }
    }
    $svc = Get-Service -Name $ServiceName
    if ($svc.Status -ne 'Running') { break }
}
Fail "the worker did not report its provider; read $InstallDir\$ServiceName.err.log and $log"
