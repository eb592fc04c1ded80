import { compareVersions } from '../model/versions';

/**
 * Well-known NetBox plugins: the module NetBox loads, what a build or the configuration needs
 * besides the package, and for each checked release the NetBox versions it supports, with where
 * that fact comes from. The table ages: a release missing here is warned about, not refused, and
 * a plugin entry can say `compatibilityChecked`. Rows were checked against each plugin's
 * `__init__.py` min/max_version at the tag, its COMPATIBILITY.md or README table (see `source`).
 */

/** A NetBox version as [major, minor, patch]; a patch of 99 means "any patch of that minor". */
export type NetboxVersion = readonly [number, number, number];

/** One plugin release and the NetBox versions it supports. */
export interface PluginRelease {
  readonly version: string;
  readonly netboxMin: NetboxVersion;
  readonly netboxMax: NetboxVersion;
  /** Where the range comes from. */
  readonly source: string;
}

/** One well-known plugin. */
export interface KnownPlugin {
  /** PyPI name. */
  readonly package: string;
  /** Its name in `PLUGINS`. */
  readonly module: string;
  /** Shell commands the image build runs after the install (as root). */
  readonly buildSteps?: readonly string[];
  /**
   * Python lines the configuration needs outside `PLUGINS_CONFIG`, written to `plugins.py` after
   * `PLUGINS_CONFIG`; they may read configuration.py's settings (its `DATABASES`).
   */
  readonly settings?: readonly string[];
  /** The `settings` wrap configuration.py's `DATABASES` (netbox-docker 3.4.0 and later; NetboxRelease.databasesSetting). */
  readonly wrapsDatabases?: boolean;
  /** The plugin must be the last entry of `PLUGINS`. */
  readonly mustBeLast?: boolean;
  readonly releases: readonly PluginRelease[];
}

const ANY = 99;
const range = (version: string, netboxMin: NetboxVersion, netboxMax: NetboxVersion, source: string): PluginRelease =>
  ({ version, netboxMin, netboxMax, source });

export const KNOWN_PLUGINS: readonly KnownPlugin[] = [
  {
    package: 'netbox-topology-views',
    module: 'netbox_topology_views',
    // Its role images live below its static folder, which collectstatic does not create (its README).
    buildSteps: ['mkdir -p /opt/netbox/netbox/static/netbox_topology_views/img'],
    releases: [
      range('3.9.1', [3, 7, 0], [3, 7, ANY], 'netbox-plugin.yaml at v4.1.0 (3.9.x tested on NetBox 3.7.1-3.7.8)'),
      range('4.1.0', [4, 1, 0], [4, 1, ANY], 'netbox-plugin.yaml at v4.1.0 (tested on NetBox 4.1.0-4.1.4)'),
      range('4.4.0', [4, 4, 0], [4, 4, ANY], 'topology-views#687; UntestedEngineer/netbox-docker-custom v4.4.7 ("4.4.0 only supports NetBox 4.4.X")'),
      range('4.5.1', [4, 5, 0], [4, 5, ANY], 'PyPI netbox-topology-views 4.7.0 README, versions table ("4.5.X = v4.5.1")'),
      range('5.0.0', [4, 7, 0], [4, 7, ANY], 'PyPI netbox-topology-views 5.0.0 README, versions table ("4.7.X = v5.0.0")'),
    ],
  },
  {
    package: 'netbox-bgp',
    module: 'netbox_bgp',
    releases: [
      range('0.4.3', [3, 0, 0], [3, 0, ANY], 'netbox-bgp __init__.py min/max_version at v.0.4.3'),
      range('0.12.1', [3, 5, 0], [3, 7, ANY], 'netbox-bgp __init__.py min/max_version at v0.12.1'),
      range('0.14.0', [4, 1, 0], [4, 1, ANY], 'netbox-bgp __init__.py min/max_version at v0.14.0'),
      range('0.17.0', [4, 4, 0], [4, 4, ANY], 'netbox-bgp 0.17.0 README ("NetBox 4.4.x: 0.17.x"); netbox-bgp#273'),
      range('0.18.0', [4, 5, 0], [4, 5, ANY], 'netbox-bgp 0.18.0 README ("NetBox 4.5.x: 0.18.x")'),
      range('0.19.0', [4, 6, 0], [4, 6, ANY], 'netbox-bgp#304, release 0.19.0 ("NetBox 4.6.0 support")'),
    ],
  },
  {
    package: 'netbox-plugin-dns',
    module: 'netbox_dns',
    releases: [
      range('0.9.2', [3, 0, 0], [3, 1, ANY], 'netbox-plugin-dns __init__.py min/max_version at 0.9.2'),
      range('0.22.9', [3, 5, 0], [3, 99, 0], 'netbox-plugin-dns __init__.py min/max_version at 0.22.9'),
      range('1.1.7', [4, 0, 0], [4, 1, ANY], 'netbox-plugin-dns __init__.py min/max_version at 1.1.7; COMPATIBILITY.md'),
      range('1.4.8', [4, 3, 2], [4, 4, ANY], 'netbox-plugin-dns __init__.py min/max_version at 1.4.8; COMPATIBILITY.md'),
      range('1.5.8', [4, 5, 0], [4, 6, 1], 'sys4/netbox-plugin-dns COMPATIBILITY.md (1.5.8: NetBox 4.5.x and 4.6.0-4.6.1)'),
    ],
  },
  {
    package: 'netboxlabs-netbox-branching',
    module: 'netbox_branching',
    // Branches are Postgres schemas: NetBox's databases go through the plugin's router. This wraps
    // the DATABASES netbox-docker's configuration.py defines (3.4.0 and later).
    settings: [
      'import sys',
      'from netbox_branching.utilities import DynamicSchemaDict',
      'DATABASES = DynamicSchemaDict(sys.modules["netbox.configuration.configuration"].DATABASES)',
      'DATABASE_ROUTERS = ["netbox_branching.database.BranchAwareRouter"]',
    ],
    wrapsDatabases: true,
    mustBeLast: true,
    releases: [
      range('0.7.4', [4, 4, 1], [4, 5, ANY], 'netbox-branching __init__.py min/max_version at v0.7.4; COMPATIBILITY.md'),
      range('1.1.2', [4, 4, 1], [4, 6, ANY], 'netbox-branching __init__.py min/max_version at v1.1.2; COMPATIBILITY.md'),
      range('1.2.0', [4, 7, 0], [4, 7, ANY], 'netbox-branching#647, release v1.2.0 ("NetBox v4.7 only")'),
    ],
  },
  {
    package: 'netbox-inventory',
    module: 'netbox_inventory',
    releases: [
      range('1.6.0', [3, 7, 0], [3, 7, ANY], 'netbox-inventory README table ("3.7: 1.6.x"); min_version 3.7.0 at v1.6.0'),
      range('2.2.1', [4, 1, 0], [4, 1, ANY], 'netbox-inventory README table; min_version 4.1.0 at v2.2.1'),
      range('2.4.1', [4, 4, 0], [4, 4, ANY], 'netbox-inventory README table ("4.4: >=2.4.1"); min_version 4.4.0 at v2.4.1'),
      range('2.5.1', [4, 5, 0], [4, 5, ANY], 'netbox-inventory README table; min_version 4.5.0 at v2.5.1'),
      range('2.6.0', [4, 6, 0], [4, 6, ANY], 'netbox-inventory README table ("4.6: 2.6.x"); min_version 4.6.0 at v2.6.0'),
    ],
  },
  {
    package: 'netbox-floorplan-plugin',
    module: 'netbox_floorplan',
    releases: [
      range('0.5.0', [4, 1, 0], [4, 1, ANY], 'netbox-floorplan-plugin __init__.py at 0.5.0; COMPATIBILITY.md'),
      range('0.8.0', [4, 4, 0], [4, 4, ANY], 'netbox-floorplan-plugin COMPATIBILITY.md'),
      range('0.9.1', [4, 5, 0], [4, 5, ANY], 'netbox-floorplan-plugin COMPATIBILITY.md'),
      range('0.9.2', [4, 6, 0], [4, 6, ANY], 'netbox-floorplan-plugin COMPATIBILITY.md'),
    ],
  },
  {
    package: 'netbox-secrets',
    module: 'netbox_secrets',
    releases: [
      range('1.10.2', [3, 7, 0], [3, 7, ANY], 'netbox-secrets __init__.py min/max_version at v1.10.2'),
      range('2.1.2', [4, 1, 0], [4, 1, ANY], 'netbox-secrets __init__.py min/max_version at v2.1.2'),
      range('2.4.2', [4, 4, 0], [4, 4, ANY], 'netbox-secrets __init__.py min/max_version at v2.4.2'),
      range('3.0.2', [4, 5, 0], [4, 5, ANY], 'netbox-secrets __init__.py min/max_version at v3.0.2'),
      range('3.1.1', [4, 6, 0], [4, 6, ANY], 'netbox-secrets __init__.py min/max_version at v3.1.1 (no NetBox 4.7 release yet: netbox-secrets#268)'),
    ],
  },
  {
    package: 'netbox-qrcode',
    module: 'netbox_qrcode',
    releases: [
      range('0.0.11', [3, 7, 0], [3, 7, ANY], 'netbox-qrcode COMPATIBILITY.md'),
      range('0.0.15', [4, 1, 0], [4, 1, ANY], 'netbox-qrcode COMPATIBILITY.md'),
      range('0.0.19', [4, 4, 0], [4, 4, ANY], 'netbox-qrcode __init__.py min/max_version at v0.0.19'),
      range('0.0.20', [4, 5, 0], [4, 5, ANY], 'netbox-qrcode __init__.py min/max_version at v0.0.20'),
      range('0.0.21', [4, 6, 0], [4, 6, ANY], 'netbox-qrcode __init__.py min/max_version at v0.0.21'),
    ],
  },
  {
    package: 'netbox-attachments',
    module: 'netbox_attachments',
    releases: [
      range('4.0.2', [3, 5, 0], [3, 7, ANY], 'netbox-attachments __init__.py min/max_version at 4.0.2'),
      range('6.0.0', [4, 1, 0], [4, 1, ANY], 'netbox-attachments __init__.py min/max_version at 6.0.0'),
      range('9.0.1', [4, 4, 0], [4, 4, ANY], 'netbox-attachments __init__.py min/max_version at v9.0.1'),
      range('11.0.1', [4, 5, 0], [4, 5, ANY], 'netbox-attachments __init__.py min/max_version at v11.0.1'),
    ],
  },
  {
    package: 'netboxlabs-diode-netbox-plugin',
    module: 'netbox_diode_plugin',
    releases: [
      range('0.6.0', [3, 7, 2], [4, 1, ANY], 'diode-netbox-plugin README table (">= 3.7.2: 0.1.0", ">= 4.1.0: 0.4.0"); min_version 3.7.2 at v0.6.0'),
      range('1.7.0', [4, 4, 10], [4, 5, ANY], 'PyPI netboxlabs-diode-netbox-plugin 1.15.0 README, compatibility table'),
      range('1.12.0', [4, 4, 10], [4, 6, ANY], 'PyPI netboxlabs-diode-netbox-plugin README, compatibility table ("4.6: 1.12.0+")'),
      range('1.17.0', [4, 7, 0], [4, 7, ANY], 'PyPI netboxlabs-diode-netbox-plugin 1.18.0 README, compatibility table (">= 4.7.0: 1.17.0")'),
    ],
  },
];

/** PEP 503: names that differ only in case and runs of `-`, `_`, `.` are the same package. */
export function normalizePackage(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

export function findKnownPlugin(packageName: string): KnownPlugin | undefined {
  const wanted = normalizePackage(packageName);
  return KNOWN_PLUGINS.find((k) => normalizePackage(k.package) === wanted);
}

export function versionText(v: NetboxVersion): string {
  return v[2] === ANY ? `${v[0]}.${v[1]}.x` : v.join('.');
}


/**
 * Whether a plugin release certainly supports the NetBox an image carries. `imageNetbox` is the
 * oldest NetBox the pinned image can contain (its patch is a lower bound), so a range that starts
 * at a later patch of that minor, or stops at a patch of it, cannot be shown to fit.
 */
export function supports(release: PluginRelease, imageNetbox: NetboxVersion): boolean {
  const anyPatch: NetboxVersion = [imageNetbox[0], imageNetbox[1], ANY];
  return compareVersions(release.netboxMin, imageNetbox) <= 0 && compareVersions(anyPatch, release.netboxMax) <= 0;
}
