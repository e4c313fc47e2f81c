; Inno Setup script for Shop Desk: ShopDesk-Setup-<version>.exe from the PyInstaller bundle.
;
;   iscc /DAppVersion=0.1.0 resources\installer\ShopDesk.iss
;
; (run after `pyinstaller build.spec`; .github/workflows/windows.yml does both). Without
; /DAppVersion the version is read from ShopDesk.exe's version resource (build.spec sets it
; from shop_desk.__version__).
;
; Per-user install: no administrator rights are asked for (PrivilegesRequired=lowest); the
; program goes to {userpf} = %LOCALAPPDATA%\Programs\ShopDesk, its Start-menu entry and desktop
; icon to the user's own folders. The shop's data lives elsewhere (%LOCALAPPDATA%\ShopDesk,
; see shop_desk/paths.py) and is never touched by setup or uninstall: uninstalling removes
; only what setup installed, so the data folder and its backups stay.
;
; Languages: English and Simplified Chinese. Inno Setup ships an official Chinese translation
; from 7.0.2 on; with an older compiler the copy in Languages\ (Inno Setup's own unofficial
; translation for 6.5.0+, unmodified) is used.

#define AppName "Shop Desk"
#define AppExe "ShopDesk.exe"
#define Bundle AddBackslash(SourcePath) + "..\..\dist\ShopDesk"
#ifndef AppVersion
  #define AppVersion GetVersionNumbersString(Bundle + "\" + AppExe)
#endif

[Setup]
; AppId identifies the program for upgrades and uninstall: never change it.
AppId={{6E2B1F0C-5D7A-4C2E-9B8E-3F1A7C4D2E91}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Shop Desk
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
DefaultDirName={userpf}\ShopDesk
DisableDirPage=auto
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist\installer
OutputBaseFilename=ShopDesk-Setup-{#AppVersion}
SetupIconFile=..\icons\shop-desk.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
; An update closes a running Shop Desk first (Restart Manager) and starts it again after.
CloseApplications=yes
RestartApplications=yes
ShowLanguageDialog=auto

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
Name: "zh_CN"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#else
Name: "zh_CN"; MessagesFile: "Languages\ChineseSimplified.isl"
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; An update replaces the whole bundle: no library of the previous version stays behind.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Python caches written beside the migrations when they run (the bundle's own folder is
; writable in a per-user install). The shop's data folder is not listed: it stays.
Type: filesandordirs; Name: "{app}\_internal\shop_desk\db\migrations\__pycache__"
Type: filesandordirs; Name: "{app}\_internal\shop_desk\db\migrations\versions\__pycache__"
