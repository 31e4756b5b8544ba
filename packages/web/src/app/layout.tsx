import { Link, NavLink, Outlet, useLocation } from 'react-router';
import { SessionMenu } from '../auth/session-menu.js';
import { JumpBox } from './jump-box.js';
import { ThemeToggle } from './theme-toggle.js';

export function Layout() {
  // `/` and `/services/…` are both the Services section.
  const { pathname } = useLocation();
  const inServices = pathname === '/' || pathname.startsWith('/services');
  return (
    <div className="app">
      <header className="app-header">
        <Link to="/" className="brand">
          Clew
        </Link>
        <nav>
          <NavLink to="/" className={() => (inServices ? 'active' : undefined)} end>
            Services
          </NavLink>
          <NavLink to="/map">Map</NavLink>
          <NavLink to="/slos">SLOs</NavLink>
          <NavLink to="/search">Search</NavLink>
          <NavLink to="/archived">Archived</NavLink>
        </nav>
        <div className="spacer" />
        <JumpBox />
        <SessionMenu />
        <ThemeToggle />
      </header>
      <main className="app-main">
        <Outlet />
      </main>
    </div>
  );
}
