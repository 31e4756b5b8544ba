import { Link, NavLink, Outlet } from 'react-router';
import { JumpBox } from './jump-box.js';
import { ThemeToggle } from './theme-toggle.js';

export function Layout() {
  return (
    <div className="app">
      <header className="app-header">
        <Link to="/search" className="brand">
          Clew
        </Link>
        <nav>
          <NavLink to="/search">Search</NavLink>
        </nav>
        <div className="spacer" />
        <JumpBox />
        <ThemeToggle />
      </header>
      <main className="app-main">
        <Outlet />
      </main>
    </div>
  );
}
