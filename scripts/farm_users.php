<?php
/**
 * banbot's farm helper: create accounts and set their explicit groups in ONE process.
 *
 * createAndPromote.php starts MediaWiki once per account (~0.3 s); tests and the demo need dozens of
 * accounts, so this reads a JSON list [{"name", "password"?, "email"?, "groups": [...]}] and, for each entry,
 * creates the account if missing (through AuthManager, as createAndPromote.php does) and makes its
 * explicit groups exactly the given list ("email": a confirmed address; no "groups" key: the groups stay). Run through scripts/wikifarm: `wikifarm users WIKI SPEC.json`.
 *
 * With the real CentralAuth loaded (BANBOT_CENTRALAUTH_DIR), a new local account joins the global account
 * of its name the way CentralAuth itself would (created on first sight, attached on later wikis), unless
 * the entry says otherwise: "unattached": true (a local account of a name whose global account belongs to
 * someone else) or "local_only": true (a local account with no global account at all). The account is
 * inserted directly (User::addToDatabase) because AuthManager, with CentralAuth loaded, refuses a
 * maintenance auto-creation for a name that exists globally.
 */
require_once '/usr/share/mediawiki/maintenance/Maintenance.php';

use MediaWiki\Extension\CentralAuth\User\CentralAuthUser;
use MediaWiki\MediaWikiServices;

class BanbotFarmUsers extends Maintenance {
	public function __construct() {
		parent::__construct();
		$this->addArg( 'spec', 'JSON file: [{"name": ..., "password": ..., "groups": [...]}]' );
	}

	public function execute() {
		$spec = json_decode( file_get_contents( $this->getArg( 0 ) ), true );
		$services = MediaWikiServices::getInstance();
		$ugm = $services->getUserGroupManager();
		$allGroups = $ugm->listAllGroups();
		$central = class_exists( CentralAuthUser::class );
		foreach ( $spec as $entry ) {
			$user = $services->getUserFactory()->newFromName( $entry['name'] );
			if ( !is_object( $user ) ) {
				$this->fatalError( "invalid username: {$entry['name']}" );
			}
			if ( $user->idForName() === 0 ) {
				if ( $central ) {
					$status = $user->addToDatabase();
					if ( !$status->isGood() ) {
						$this->fatalError( $status->getMessage( false, false, 'en' )->text() );
					}
					$this->joinGlobal( $user, $entry );
				} else {
					$status = $services->getAuthManager()->autoCreateUser(
						$user, MediaWiki\Auth\AuthManager::AUTOCREATE_SOURCE_MAINT, false
					);
					if ( !$status->isGood() ) {
						$this->fatalError( $status->getMessage( false, false, 'en' )->text() );
					}
				}
				SiteStatsUpdate::factory( [ 'users' => 1 ] )->doUpdate();
			}
			if ( isset( $entry['password'] ) ) {
				$status = $user->changeAuthenticationData( [
					'username' => $user->getName(), 'password' => $entry['password'], 'retype' => $entry['password'],
				] );
				if ( !$status->isGood() ) {
					$this->fatalError( $status->getMessage( false, false, 'en' )->text() );
				}
			}
			if ( isset( $entry['email'] ) ) {  // a confirmed address: the account may be mailed (banbot's alerts)
				$user->setEmail( $entry['email'] );
				$user->confirmEmail();
				$user->saveSettings();
			}
			if ( !array_key_exists( 'groups', $entry ) ) {  // an address only: the groups stay as they are
				$this->output( "{$entry['name']}: e-mail set\n" );
				continue;
			}
			$want = $entry['groups'];
			$unknown = array_diff( $want, $allGroups );
			if ( $unknown ) {
				$this->fatalError( "unknown groups for {$entry['name']}: " . implode( ', ', $unknown ) );
			}
			$have = $ugm->getUserGroups( $user );
			foreach ( array_diff( $have, $want ) as $g ) {
				$ugm->removeUserFromGroup( $user, $g );
			}
			$ugm->addUserToMultipleGroups( $user, array_diff( $want, $have ) );
			$this->output( "{$entry['name']}: " . implode( ',', $want ) . "\n" );
		}
	}

	/** What CentralAuth does for a new local account, in one place: register on first sight, else attach. */
	private function joinGlobal( User $user, array $entry ): void {
		$wiki = WikiMap::getCurrentWikiId();
		$cu = CentralAuthUser::getPrimaryInstanceByName( $user->getName() );
		$cu->addLocalName( $wiki );
		if ( !empty( $entry['local_only'] ) || !empty( $entry['unattached'] ) ) {
			return;
		}
		if ( !$cu->exists() ) {
			$cu->register( $entry['password'] ?? null, null );
			$cu = CentralAuthUser::getPrimaryInstanceByName( $user->getName() );
			$cu->attach( $wiki, 'new', false );
		} else {
			$cu->attach( $wiki, 'login', false );
		}
		$cu->invalidateCache();
	}
}

$maintClass = BanbotFarmUsers::class;
require_once RUN_MAINTENANCE_IF_MAIN;
