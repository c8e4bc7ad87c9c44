<?php
/**
 * banbot's farm helper for the real CentralAuth extension: ONE process for what would otherwise be
 * dozens of maintenance-script runs (migratePass0.php per wiki, migrateAccount.php per account,
 * attachAccount.php, populateHomeDB.php, createBotPassword.php per wiki).
 *
 * Run through scripts/wikifarm on the central wiki, with CentralAuth loaded. Reads a JSON file:
 *
 *   "setup": {                      once, when CentralAuth is added to the farm
 *     "passwords": {name: password} global passwords for the accounts that log in with one
 *     "groups": {group: [rights]}   global groups (global_group_permissions)
 *     "drop_local_groups": [...]    local groups removed from everyone (rights that must be global)
 *   }
 *   "accounts": {name: {            the central state of accounts, made exactly so (keys optional)
 *     "groups": [...],              global groups
 *     "locked": bool,
 *     "hidden": "" | "lists" | "suppressed",
 *     "unattached": [dbname…],      local accounts of this name that are NOT attached (someone else's?)
 *     "home": dbname,
 *     "local_only": bool            no global account at all: only the local accounts remain
 *   }}
 *
 * "setup" migrates every local account on every wiki into a global account of its name (attached on
 * each wiki, home = the central wiki), and re-points BotPasswords at central ids: with CentralAuth loaded,
 * bot_passwords.bp_user is a central id, so rows made before would belong to whichever global account
 * got that id.
 */
require_once '/usr/share/mediawiki/maintenance/Maintenance.php';

use MediaWiki\Extension\CentralAuth\CentralAuthServices;
use MediaWiki\Extension\CentralAuth\User\CentralAuthUser;

class BanbotFarmCentralAuth extends Maintenance {
	public function __construct() {
		parent::__construct();
		$this->addArg( 'spec', 'JSON file (see the file header)' );
	}

	private function cdb() {
		return CentralAuthServices::getDatabaseManager()->getCentralDB( DB_PRIMARY );
	}

	private function ldb( string $wiki ) {
		return CentralAuthServices::getDatabaseManager()->getLocalDB( DB_PRIMARY, $wiki );
	}

	public function execute() {
		global $wgLocalDatabases;
		$spec = json_decode( file_get_contents( $this->getArg( 0 ) ), true );
		if ( isset( $spec['setup'] ) ) {
			$this->migrate( $spec['setup'], $wgLocalDatabases );
		}
		foreach ( $spec['accounts'] ?? [] as $name => $want ) {
			$this->account( $name, $want, $wgLocalDatabases );
		}
	}

	private function migrate( array $setup, array $wikis ): void {
		$central = WikiMap::getCurrentWikiId();
		$cdb = $this->cdb();
		foreach ( $setup['groups'] ?? [] as $group => $rights ) {
			foreach ( $rights as $right ) {
				$cdb->insert( 'global_group_permissions', [ 'ggp_group' => $group, 'ggp_permission' => $right ],
					__METHOD__, [ 'IGNORE' ] );
			}
		}
		// every local account, by name, on every wiki (the central wiki first: it becomes the home wiki)
		$byName = [];
		$localIds = [];
		usort( $wikis, static function ( $a, $b ) use ( $central ) {
			return ( $a === $central ? 0 : 1 ) <=> ( $b === $central ? 0 : 1 );
		} );
		foreach ( $wikis as $wiki ) {
			$res = $this->ldb( $wiki )->select( 'user', [ 'user_id', 'user_name' ], [], __METHOD__ );
			foreach ( $res as $row ) {
				$byName[$row->user_name][] = $wiki;
				$localIds[$wiki][(int)$row->user_id] = $row->user_name;
			}
		}
		$passwords = $setup['passwords'] ?? [];
		foreach ( $byName as $name => $on ) {
			$cdb->insert( 'globalnames', [ 'gn_name' => $name ], __METHOD__, [ 'IGNORE' ] );
			$cu = CentralAuthUser::getPrimaryInstanceByName( $name );
			if ( !$cu->exists() ) {
				$cu->register( $passwords[$name] ?? null, null );
				$cu = CentralAuthUser::getPrimaryInstanceByName( $name );
			}
			foreach ( $on as $i => $wiki ) {
				$cu->addLocalName( $wiki );
				$cu->attach( $wiki, $i === 0 ? 'primary' : 'login', false );
			}
			$cdb->update( 'globaluser', [ 'gu_home_db' => $on[0] ], [ 'gu_name' => $name ], __METHOD__ );
			$cu->invalidateCache();
		}
		// rights that must come from global groups only (the bot is a *global* steward)
		foreach ( $wikis as $wiki ) {
			foreach ( $setup['drop_local_groups'] ?? [] as $group ) {
				$this->ldb( $wiki )->delete( 'user_groups', [ 'ug_group' => $group ], __METHOD__ );
			}
		}
		// BotPasswords: local user ids -> central ids
		foreach ( $wikis as $wiki ) {
			$ldb = $this->ldb( $wiki );
			$rows = iterator_to_array( $ldb->select( 'bot_passwords', '*', [], __METHOD__ ) );
			$ldb->delete( 'bot_passwords', '*', __METHOD__ );
			foreach ( $rows as $row ) {
				$name = $localIds[$wiki][(int)$row->bp_user] ?? null;
				if ( $name === null ) {
					continue;
				}
				$row = (array)$row;
				$row['bp_user'] = CentralAuthUser::getPrimaryInstanceByName( $name )->getId();
				$ldb->insert( 'bot_passwords', $row, __METHOD__ );
			}
		}
		$this->output( "centralauth: " . count( $byName ) . " global accounts on " . count( $wikis ) . " wikis\n" );
	}

	private function account( string $name, array $want, array $wikis ): void {
		$cdb = $this->cdb();
		$cu = CentralAuthUser::getPrimaryInstanceByName( $name );
		if ( !empty( $want['local_only'] ) ) {
			if ( $cu->exists() ) {
				$id = $cu->getId();
				$cdb->delete( 'localuser', [ 'lu_name' => $name ], __METHOD__ );
				$cdb->delete( 'global_user_groups', [ 'gug_user' => $id ], __METHOD__ );
				$cdb->delete( 'globaluser', [ 'gu_id' => $id ], __METHOD__ );
			}
			foreach ( $wikis as $wiki ) {
				if ( $this->ldb( $wiki )->selectField( 'user', 'user_id', [ 'user_name' => $name ], __METHOD__ ) ) {
					$cdb->insert( 'localnames', [ 'ln_wiki' => $wiki, 'ln_name' => $name ], __METHOD__, [ 'IGNORE' ] );
				}
			}
			$cu->invalidateCache();
			$this->output( "$name: local only\n" );
			return;
		}
		if ( !$cu->exists() ) {
			$this->fatalError( "$name: no global account (create its local accounts first)" );
		}
		$id = $cu->getId();
		if ( isset( $want['unattached'] ) ) {
			foreach ( $want['unattached'] as $wiki ) {
				$cdb->delete( 'localuser', [ 'lu_name' => $name, 'lu_wiki' => $wiki ], __METHOD__ );
				$cdb->insert( 'localnames', [ 'ln_wiki' => $wiki, 'ln_name' => $name ], __METHOD__, [ 'IGNORE' ] );
			}
		}
		if ( isset( $want['home'] ) ) {
			$cdb->update( 'globaluser', [ 'gu_home_db' => $want['home'] ], [ 'gu_id' => $id ], __METHOD__ );
			$cdb->update( 'localuser', [ 'lu_attached_method' => 'login' ], [ 'lu_name' => $name ], __METHOD__ );
			$cdb->update( 'localuser', [ 'lu_attached_method' => 'primary' ],
				[ 'lu_name' => $name, 'lu_wiki' => $want['home'] ], __METHOD__ );
		}
		if ( isset( $want['groups'] ) ) {
			$cdb->delete( 'global_user_groups', [ 'gug_user' => $id ], __METHOD__ );
			foreach ( $want['groups'] as $group ) {
				$cdb->insert( 'global_user_groups', [ 'gug_user' => $id, 'gug_group' => $group, 'gug_expiry' => null ],
					__METHOD__ );
			}
		}
		if ( isset( $want['locked'] ) ) {
			$cdb->update( 'globaluser', [ 'gu_locked' => $want['locked'] ? 1 : 0 ], [ 'gu_id' => $id ], __METHOD__ );
		}
		if ( isset( $want['hidden'] ) ) {
			$level = [ '' => 0, 'lists' => 1, 'suppressed' => 2 ][$want['hidden']];
			$cdb->update( 'globaluser', [ 'gu_hidden_level' => $level ], [ 'gu_id' => $id ], __METHOD__ );
		}
		$cdb->update( 'globaluser', [ 'gu_cas_token = gu_cas_token + 1' ], [ 'gu_id' => $id ], __METHOD__ );
		CentralAuthUser::getPrimaryInstanceByName( $name )->invalidateCache();
		$this->output( "$name: " . json_encode( $want ) . "\n" );
	}
}

$maintClass = BanbotFarmCentralAuth::class;
require_once RUN_MAINTENANCE_IF_MAIN;
